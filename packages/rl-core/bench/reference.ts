/**
 * The plain reference for the bench: GRPO advantages + vanilla PPO loss + gradient written the obvious way,
 * one array pass per tensor op with a fresh temporary each (what an eager tensor library does), and arrays
 * of numbers. It is checked against rl-core's result in the bench before it is timed.
 */
export function referenceStep(
  rewards: number[][],
  mask: number[][],
  index: number[],
  old: number[][],
  logp: number[][],
): { loss: number; grad: number[][] } {
  const B = rewards.length;
  const map2 = (a: number[][], f: (x: number, i: number, t: number) => number) =>
    a.map((row, i) => row.map((x, t) => f(x, i, t)));
  const scores = rewards.map((row) => row.reduce((a, b) => a + b, 0));
  const groups = new Map<number, number[]>();
  index.forEach((g, i) => {
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const a = new Array<number>(B).fill(0);
  for (const rows of groups.values()) {
    const v = rows.map((i) => scores[i] as number);
    const mean = rows.length > 1 ? v.reduce((x, y) => x + y, 0) / v.length : 0;
    const std = rows.length > 1 ? Math.sqrt(v.reduce((x, y) => x + (y - mean) ** 2, 0) / (v.length - 1)) : 1;
    rows.forEach((i, j) => {
      a[i] = ((v[j] as number) - mean) / (std + 1e-6);
    });
  }
  const adv = map2(mask, (m, i) => (a[i] as number) * m);
  const raw = map2(logp, (x, i, t) => x - (old[i]?.[t] as number));
  const delta = map2(raw, (x) => Math.min(Math.max(x, -20), 20));
  const ratio = map2(delta, Math.exp);
  const l1 = map2(ratio, (r, i, t) => -(adv[i]?.[t] as number) * r);
  const clipped = map2(ratio, (r) => Math.min(Math.max(r, 0.8), 1.2));
  const l2 = map2(clipped, (r, i, t) => -(adv[i]?.[t] as number) * r);
  const c1 = map2(l1, (x, i, t) => Math.max(x, l2[i]?.[t] as number));
  const l3 = map2(adv, (x) => -x * 3);
  const c2 = map2(l3, (x, i, t) => Math.min(x, c1[i]?.[t] as number));
  const pg = map2(adv, (x, i, t) => (x < 0 ? (c2[i]?.[t] as number) : (c1[i]?.[t] as number)));
  const n = mask.reduce((s, row) => s + row.reduce((x, y) => x + y, 0), 0);
  const loss =
    pg.reduce(
      (s, row, i) => s + row.reduce((x, v, t) => x + ((mask[i]?.[t] as number) !== 0 ? v : 0), 0),
      0,
    ) / n;
  // backward, op by op
  const gPg = map2(mask, (m) => m / n);
  const gC1 = map2(gPg, (g, i, t) => {
    const A = adv[i]?.[t] as number;
    if (A >= 0) return g;
    const c = c1[i]?.[t] as number;
    const l = l3[i]?.[t] as number;
    return c < l ? g : c > l ? 0 : g / 2;
  });
  const gRatio = map2(gC1, (g, i, t) => {
    const x = l1[i]?.[t] as number;
    const y = l2[i]?.[t] as number;
    const A = adv[i]?.[t] as number;
    const r = ratio[i]?.[t] as number;
    const w1 = x > y ? 1 : x < y ? 0 : 0.5;
    return g * (w1 * -A + (1 - w1) * (r >= 0.8 && r <= 1.2 ? -A : 0));
  });
  const grad = map2(gRatio, (g, i, t) => {
    const d = raw[i]?.[t] as number;
    return d >= -20 && d <= 20 ? g * (ratio[i]?.[t] as number) : 0;
  });
  return { loss, grad };
}
