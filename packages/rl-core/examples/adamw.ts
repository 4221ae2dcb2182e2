/**
 * torch.optim.AdamW (torch 1.13 arithmetic) over flat Float64Array parameters, with torch's
 * clip_grad_norm_ and verl's skip of non-finite steps. Example code for pure-TypeScript policies;
 * rl-core itself never touches parameters.
 */
export class AdamW {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    readonly params: Float64Array[],
    readonly grads: Float64Array[],
    readonly lr = 1e-3,
    readonly weightDecay = 0.01,
    readonly betas: readonly [number, number] = [0.9, 0.999],
    readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  zeroGrad(): void {
    for (const g of this.grads) g.fill(0);
  }

  /** Clip the global grad norm to maxGradNorm, then step; a non-finite norm zeroes the grads and skips. */
  step(maxGradNorm: number): { gradNorm: number; skipped: boolean; lr: number } {
    let sq = 0;
    for (const g of this.grads) {
      let s = 0;
      for (const x of g) s += x * x;
      sq += s; // ‖(‖g_p‖)_p‖² = Σ_p ‖g_p‖²
    }
    const gradNorm = Math.sqrt(sq);
    if (!Number.isFinite(gradNorm)) {
      this.zeroGrad();
      return { gradNorm, skipped: true, lr: this.lr };
    }
    const coef = Math.min(maxGradNorm / (gradNorm + 1e-6), 1);
    const [b1, b2] = this.betas;
    this.t++;
    const stepSize = this.lr / (1 - b1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    this.params.forEach((p, j) => {
      const g = this.grads[j] as Float64Array;
      const m = this.m[j] as Float64Array;
      const v = this.v[j] as Float64Array;
      for (let k = 0; k < p.length; k++) {
        const gk = (g[k] as number) * coef;
        p[k] = (p[k] as number) * (1 - this.lr * this.weightDecay);
        m[k] = (m[k] as number) * b1 + gk * (1 - b1);
        v[k] = (v[k] as number) * b2 + gk * gk * (1 - b2);
        const denom = Math.sqrt(v[k] as number) / bc2Sqrt + this.eps;
        p[k] = (p[k] as number) - stepSize * ((m[k] as number) / denom);
      }
    });
    return { gradNorm, skipped: false, lr: this.lr };
  }

  getState(): { t: number; m: number[][]; v: number[][] } {
    return { t: this.t, m: this.m.map((x) => Array.from(x)), v: this.v.map((x) => Array.from(x)) };
  }
}
