import { Rng } from '@soundmind/rl-core';
import type { AlrItem, AlrLabel } from '../alr/item.js';
import { LogicOptionsError } from '../errors.js';
import {
  DEFAULT_LOGIC_FAMILIES,
  DEFAULT_TERMS,
  type LogicFamily,
  validateFamilies,
  validateTerms,
} from './families.js';
import { instantiate, type LiveBucket, liveBucketsFor, type Skeleton } from './skeletons.js';
import { CATEGORICAL_FORMS, type CategoricalForm, renderStatement, type Statement } from './statements.js';
import { renderTrace } from './trace.js';
import { checkTermsAgainstVocabulary, QUESTION_WORDS } from './vocabulary.js';

/** What the trainer and the reports need to know about a problem, stored with every item. */
export interface LogicProblemMeta {
  family: string;
  supervision: 'trace' | 'label';
  chainLength: number;
  distractors: number;
  /** Forms of the premises in the order they are shown, e.g. "AIE". */
  premiseForms: string;
  conclusionForm: CategoricalForm;
  /** The balance bucket: family, conclusion form and the sorted premise forms. Labels are 50/50 inside it. */
  bucket: string;
  /** Chain terms in chain order; the conclusion relates the first and the last. */
  chain: string[];
  /** Indices (into `premises`) of the distractor premises. */
  distractorPositions: number[];
}

export interface LogicProblem {
  /** Zero-padded position in its split ("0001"), as in ALR. */
  id: string;
  split: string;
  /** In chain order, distractors inserted. */
  premises: Statement[];
  conclusion: Statement;
  label: AlrLabel;
  /** The question as spoken and shown: premises, then "does it follow that ... ?". */
  question: string;
  /** The reference response: solver-derived steps in a think block, then the scorer's answer tag. */
  trace: string;
  meta: LogicProblemMeta;
}

export interface LogicSplitSizes {
  train: number;
  dev: number;
  test: number;
}

export interface GenerateLogicOptions {
  seed?: number | string;
  sizes: LogicSplitSizes;
  families?: readonly LogicFamily[];
  /** Category words (default DEFAULT_TERMS). */
  terms?: readonly string[];
}

export interface LogicSplits {
  train: LogicProblem[];
  dev: LogicProblem[];
  test: LogicProblem[];
}

/** Give up on a family whose problems are used up. */
const MAX_ATTEMPTS_PER_PAIR = 10_000;

/**
 * Generates train, dev and test problems, deterministic by seed. Test is drawn first, then dev, then
 * train, each excluding every problem already drawn, so no test problem appears in dev or train. Each
 * split is a stream of balanced pairs (one entailed, one not, from the same family and bucket), so any
 * even prefix of a split is exactly balanced inside every bucket; with the same seed, families, terms and
 * dev/test sizes, a larger train split starts with the smaller one's problems.
 */
export function generateLogicSplits(options: GenerateLogicOptions): LogicSplits {
  const { sizes } = options;
  for (const split of ['train', 'dev', 'test'] as const) {
    const n = sizes?.[split];
    if (!Number.isInteger(n) || n < 0)
      throw new LogicOptionsError(`sizes.${split} must be a non-negative integer, got ${n}`);
  }
  const seen = new Set<string>();
  const test = generateLogicProblems({ ...options, split: 'test', count: sizes.test, exclude: seen });
  const dev = generateLogicProblems({ ...options, split: 'dev', count: sizes.dev, exclude: seen });
  const train = generateLogicProblems({ ...options, split: 'train', count: sizes.train, exclude: seen });
  return { train, dev, test };
}

export interface GenerateLogicProblemsOptions {
  seed?: number | string;
  /** Names the split and its random stream. */
  split: string;
  count: number;
  families?: readonly LogicFamily[];
  terms?: readonly string[];
  /** Problem keys (see problemKey) to avoid; the keys of the problems drawn are added to it. */
  exclude?: Set<string>;
}

/** One split's problems (see generateLogicSplits for the guarantees). */
export function generateLogicProblems(options: GenerateLogicProblemsOptions): LogicProblem[] {
  const families = options.families ?? DEFAULT_LOGIC_FAMILIES;
  const terms = options.terms ?? DEFAULT_TERMS;
  validateTerms(terms);
  checkTermsAgainstVocabulary(terms);
  validateFamilies(families, terms);
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new LogicOptionsError(`count must be a non-negative integer, got ${options.count}`);
  }
  const rng = new Rng(`${options.seed ?? 0}/logic/${options.split}`);
  const exclude = options.exclude ?? new Set<string>();
  const streams = families.map((family) => new PairStream(family, terms, rng.fork(family.name), exclude));
  const weights = families.map((f) => f.weight ?? 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const out: LogicProblem[] = [];
  while (out.length < options.count) {
    let u = rng.next() * totalWeight;
    let k = 0;
    while (k < weights.length - 1 && u >= (weights[k] as number)) u -= weights[k++] as number;
    for (const draft of (streams[k] as PairStream).nextPair()) {
      if (out.length === options.count) break;
      const id = String(out.length + 1).padStart(4, '0');
      out.push({ ...draft, id, split: options.split });
    }
  }
  return out;
}

/** A problem's identity for de-duplication across splits: its full text. */
export function problemKey(premises: readonly Statement[], conclusion: Statement): string {
  return `${premises.map(renderStatement).join(' . ')} | ${renderStatement(conclusion)}`;
}

/** The question text for premises and a conclusion. */
export function renderQuestion(premises: readonly Statement[], conclusion: Statement): string {
  return `${premises.map((p) => `${renderStatement(p)} .`).join(' ')} ${QUESTION_WORDS.join(' ')} ${renderStatement(conclusion)} ?`;
}

/** A generated problem as an ALR item (user_content = question, answer = trace, extra.meta = metadata). */
export function logicProblemToAlrItem(
  problem: LogicProblem,
  source = { file: '(generated)', line: 0 },
): AlrItem {
  return {
    id: problem.id,
    split: problem.split,
    userContent: problem.question,
    answer: problem.trace,
    label: problem.label,
    extra: { meta: problem.meta },
    source,
  };
}

const traceTemplates = new WeakMap<Skeleton, string>();

/**
 * The trace depends only on the skeleton, so it is derived once over placeholder terms t0..tk and then
 * given the problem's words (terms are lower-case letters only, so the placeholders cannot clash).
 */
function traceFor(skeleton: Skeleton, label: AlrLabel, chain: readonly string[]): string {
  let template = traceTemplates.get(skeleton);
  if (template === undefined) {
    const placeholders = Array.from({ length: skeleton.forms.length + 1 }, (_, i) => `t${i}`);
    const { links, conclusion } = instantiate(skeleton, placeholders);
    template = renderTrace(placeholders, links, conclusion, label).text;
    traceTemplates.set(skeleton, template);
  }
  return template.replace(/\bt(\d)\b/g, (_, i: string) => chain[Number(i)] as string);
}

/**
 * Hands out one family's problems in balanced pairs. A bucket is drawn as uniform random sampling would
 * draw it (forms independent and uniform), conditioned on the bucket admitting both answers; then one
 * entailed and one not-entailed skeleton are drawn uniformly within it and given fresh category words.
 */
class PairStream {
  private readonly buckets: LiveBucket[];
  private readonly totalWeight: number;

  constructor(
    private readonly family: LogicFamily,
    private readonly terms: readonly string[],
    private readonly rng: Rng,
    private readonly exclude: Set<string>,
  ) {
    this.buckets = liveBucketsFor(
      family.chainLength,
      family.premiseForms ?? CATEGORICAL_FORMS,
      family.conclusionForms ?? CATEGORICAL_FORMS,
    );
    if (this.buckets.length === 0) {
      throw new LogicOptionsError(
        `family ${JSON.stringify(family.name)}: its premise and conclusion forms never allow both answers`,
      );
    }
    this.totalWeight = this.buckets.reduce((sum, b) => sum + b.weight, 0);
  }

  nextPair(): Omit<LogicProblem, 'id' | 'split'>[] {
    const { rng, family } = this;
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_PAIR; attempt++) {
      const bucket = this.drawBucket();
      const distractorForms = Array.from({ length: family.distractors }, () => rng.pick(CATEGORICAL_FORMS));
      const key = `${family.name}|${bucket.conclusionForm}|${[...bucket.linkForms, ...distractorForms].sort().join('')}`;
      const entailed = this.problem(rng.pick(bucket.table.entailed), distractorForms, 1, key);
      const notEntailed = this.problem(rng.pick(bucket.table.notEntailed), distractorForms, 0, key);
      if (entailed === null || notEntailed === null) continue;
      for (const p of [entailed, notEntailed]) this.exclude.add(problemKey(p.premises, p.conclusion));
      return rng.next() < 0.5 ? [entailed, notEntailed] : [notEntailed, entailed];
    }
    throw new LogicOptionsError(
      `family ${JSON.stringify(family.name)}: no new balanced pair in ${MAX_ATTEMPTS_PER_PAIR} draws; ` +
        'its problems are used up (ask for fewer, or allow more forms or terms)',
    );
  }

  private drawBucket(): LiveBucket {
    let u = this.rng.next() * this.totalWeight;
    for (const bucket of this.buckets) {
      u -= bucket.weight;
      if (u < 0) return bucket;
    }
    return this.buckets[this.buckets.length - 1] as LiveBucket;
  }

  /** The skeleton with fresh words and distractors, or null when that exact problem is already taken. */
  private problem(
    skeleton: Skeleton,
    distractorForms: readonly CategoricalForm[],
    label: AlrLabel,
    bucket: string,
  ): Omit<LogicProblem, 'id' | 'split'> | null {
    const { rng, family } = this;
    const shuffled = rng.shuffle([...this.terms]);
    const chain = shuffled.slice(0, family.chainLength + 1);
    const outsiders = shuffled.slice(family.chainLength + 1);
    const { links, conclusion } = instantiate(skeleton, chain);
    const premises = [...links];
    const isDistractor: boolean[] = links.map(() => false);
    for (const [j, form] of distractorForms.entries()) {
      const at = rng.int(premises.length + 1);
      const [a, b] = [rng.pick(chain), outsiders[j] as string];
      premises.splice(
        at,
        0,
        rng.next() < 0.5 ? { form, subject: a, predicate: b } : { form, subject: b, predicate: a },
      );
      isDistractor.splice(at, 0, true);
    }
    if (this.exclude.has(problemKey(premises, conclusion))) return null;
    return {
      premises,
      conclusion,
      label,
      question: renderQuestion(premises, conclusion),
      trace: traceFor(skeleton, label, chain),
      meta: {
        family: family.name,
        supervision: family.supervision,
        chainLength: family.chainLength,
        distractors: family.distractors,
        premiseForms: premises.map((p) => p.form).join(''),
        conclusionForm: conclusion.form,
        bucket,
        chain,
        distractorPositions: isDistractor.flatMap((d, i) => (d ? [i] : [])),
      },
    };
  }
}
