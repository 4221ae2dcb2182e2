/** A text-to-text step applied before tokenisation (lower-casing, punctuation removal, a normaliser...). */
export type TextTransform = (text: string) => string;

/** Chains transforms left to right: `compose(a, b)(s) === b(a(s))`. */
export function compose(...transforms: readonly TextTransform[]): TextTransform {
  return (text) => {
    let out = text;
    for (const t of transforms) out = t(out);
    return out;
  };
}
