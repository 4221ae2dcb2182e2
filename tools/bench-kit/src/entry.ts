/**
 * One row of a package's bench-results.json: our figure next to a peer's from the same run. `ratio` above 1
 * means we are faster, whichever way the unit points.
 */
export interface BenchEntry {
  name: string;
  unit: string;
  ours: number;
  /** The peer's figure in the same unit; null where no peer ran (peerName then says so). */
  peer: number | null;
  peerName: string;
  /** Above 1: we are faster; null without a peer figure. */
  ratio: number | null;
  /** Thread settings, input sizes, the load: whatever is needed to read the numbers. */
  notes?: string;
}

/** name, unit, ours, peer (null: none ran), peerName, notes. */
type EntryArgs = [
  name: string,
  unit: string,
  ours: number,
  peer: number | null,
  peerName: string,
  notes?: string,
];

/** An entry for a figure where lower is better (a time): ratio = peer / ours. */
export function lowerIsBetter(...[name, unit, ours, peer, peerName, notes]: EntryArgs): BenchEntry {
  return entry(name, unit, ours, peer, peerName, peer === null ? null : peer / ours, notes);
}

/** An entry for a figure where higher is better (a rate such as tokens/s): ratio = ours / peer. */
export function higherIsBetter(...[name, unit, ours, peer, peerName, notes]: EntryArgs): BenchEntry {
  return entry(name, unit, ours, peer, peerName, peer === null ? null : ours / peer, notes);
}

function entry(
  name: string,
  unit: string,
  ours: number,
  peer: number | null,
  peerName: string,
  ratio: number | null,
  notes: string | undefined,
): BenchEntry {
  const e: BenchEntry = { name, unit, ours, peer, peerName, ratio };
  if (notes !== undefined) e.notes = notes;
  return e;
}
