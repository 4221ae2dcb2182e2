import { InvalidAudioArgumentError } from '../errors.js';
import { type AudioSamples, toFloat32 } from '../samples.js';
import type { SpeechDetector, SpeechSegment } from './speech-detector.js';

export interface EnergyVadOptions {
  /** analysis window, ms, rounded to a whole number of hops (default 20) */
  frameMs?: number;
  /** hop between windows, ms (default 10) */
  hopMs?: number;
  /** a frame starts speech this far above the local noise floor, dB (default 10) */
  startMarginDb?: number;
  /** ...and keeps it while this far above, dB (default 5) */
  keepMarginDb?: number;
  /** frames quieter than this (dBFS) are never speech (default -55) */
  absoluteFloorDb?: number;
  /** how long speech state survives quieter frames before the segment closes, ms (default 200) */
  hangoverMs?: number;
  /** pauses shorter than this join their neighbours, ms (default 300, as SoundMind merged) */
  minSilenceMs?: number;
  /** segments shorter than this (after joining) are dropped, ms (default 100) */
  minSpeechMs?: number;
  /** span over which the noise floor is the minimum of half-second 10th percentiles, ms (default 5000) */
  noiseWindowMs?: number;
}

const DEFAULTS: Required<EnergyVadOptions> = {
  frameMs: 20,
  hopMs: 10,
  startMarginDb: 10,
  keepMarginDb: 5,
  absoluteFloorDb: -55,
  hangoverMs: 200,
  minSilenceMs: 300,
  minSpeechMs: 100,
  noiseWindowMs: 5000,
};

const SILENT_DB = -120;
const HIGHPASS_HZ = 60;

function settings(options: EnergyVadOptions): Required<EnergyVadOptions> {
  const s = { ...DEFAULTS, ...options };
  for (const [key, value] of Object.entries(s)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidAudioArgumentError('BAD_OPTION', `${key} must be a finite number, got ${value}`);
    }
  }
  for (const key of ['frameMs', 'hopMs', 'noiseWindowMs'] as const) {
    if (s[key] <= 0)
      throw new InvalidAudioArgumentError('BAD_OPTION', `${key} must be positive, got ${s[key]}`);
  }
  for (const key of ['hangoverMs', 'minSilenceMs', 'minSpeechMs'] as const) {
    if (s[key] < 0) throw new InvalidAudioArgumentError('BAD_OPTION', `${key} must be >= 0, got ${s[key]}`);
  }
  if (s.keepMarginDb > s.startMarginDb) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `keepMarginDb (${s.keepMarginDb}) must not exceed startMarginDb (${s.startMarginDb})`,
    );
  }
  return s;
}

/**
 * Frame energies in dBFS of the signal after a 60 Hz one-pole high-pass (drops DC offset and rumble). Frames
 * are `blocks` hops long; energy is summed per hop, so memory stays at one number per hop.
 */
function frameEnergies(x: Float32Array, sampleRate: number, hop: number, blocks: number): Float64Array {
  const n = x.length;
  const hops = Math.ceil(n / hop);
  const rc = 1 / (2 * Math.PI * HIGHPASS_HZ);
  const a = rc / (rc + 1 / sampleRate);
  const perHop = new Float64Array(hops);
  let prevX = 0;
  let prevY = 0;
  for (let h = 0; h < hops; h++) {
    let sum = 0;
    const end = Math.min(n, (h + 1) * hop);
    for (let i = h * hop; i < end; i++) {
      const xi = x[i]!;
      const y = a * (prevY + xi - prevX);
      prevX = xi;
      prevY = y;
      sum += y * y;
    }
    perHop[h] = sum;
  }
  const frames = n === 0 ? 0 : Math.max(1, hops - blocks + 1);
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const last = Math.min(hops, f + blocks);
    for (let h = f; h < last; h++) sum += perHop[h]!;
    const mean = sum / Math.max(1, Math.min(n, last * hop) - f * hop);
    energies[f] = mean > 0 ? Math.max(SILENT_DB, 10 * Math.log10(mean)) : SILENT_DB;
  }
  return energies;
}

/** Per frame: the minimum, over the surrounding noise window, of half-second blocks' 10th percentiles. */
function noiseFloor(energies: Float64Array, framesPerBlock: number, reachBlocks: number): Float64Array {
  const frames = energies.length;
  const blocks = Math.ceil(frames / framesPerBlock);
  const low = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const part = Array.from(
      energies.subarray(b * framesPerBlock, Math.min(frames, (b + 1) * framesPerBlock)),
    ).sort((p, q) => p - q);
    low[b] = part[Math.floor(0.1 * (part.length - 1))]!;
  }
  const floor = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const b = Math.floor(f / framesPerBlock);
    let m = Infinity;
    for (let k = Math.max(0, b - reachBlocks); k <= Math.min(blocks - 1, b + reachBlocks); k++)
      m = Math.min(m, low[k]!);
    floor[f] = m;
  }
  return floor;
}

/**
 * Speech segments of a mono clip at any sample rate, found from frame energy: an adaptive noise floor
 * (minimum statistics), a start and a keep threshold above it (hysteresis), a hangover that bridges short dips,
 * then pauses under `minSilenceMs` joined and segments under `minSpeechMs` dropped. Silence gives [].
 * Accepts Float32Array, Float64Array or number[].
 */
export function detectSpeech(
  samples: AudioSamples,
  sampleRate: number,
  options: EnergyVadOptions = {},
): SpeechSegment[] {
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new InvalidAudioArgumentError(
      'BAD_SAMPLE_RATE',
      `sampleRate must be a positive number, got ${sampleRate}`,
    );
  }
  const s = settings(options);
  const x = toFloat32(samples, 'samples');
  const hop = Math.max(1, Math.round((s.hopMs * sampleRate) / 1000));
  const blocks = Math.max(1, Math.round(s.frameMs / s.hopMs));
  const win = blocks * hop;
  const energies = frameEnergies(x, sampleRate, hop, blocks);
  const framesPerBlock = Math.max(1, Math.round(500 / s.hopMs));
  const reach = Math.max(0, Math.round(s.noiseWindowMs / 2 / 500));
  const floor = noiseFloor(energies, framesPerBlock, reach);
  const hangFrames = Math.round(s.hangoverMs / s.hopMs);
  const duration = x.length / sampleRate;

  const raw: SpeechSegment[] = [];
  let open = -1; // first frame of the open segment
  let last = -1; // last frame that was loud enough to keep it
  for (let f = 0; f < energies.length; f++) {
    const e = energies[f]!;
    const start = Math.max(floor[f]! + s.startMarginDb, s.absoluteFloorDb);
    const keep = Math.max(floor[f]! + s.keepMarginDb, s.absoluteFloorDb);
    if (open < 0) {
      if (e > start) open = last = f;
    } else if (e > keep) {
      last = f;
    } else if (f - last > hangFrames) {
      raw.push(frameSpan(open, last, hop, win, sampleRate, duration));
      open = -1;
    }
  }
  if (open >= 0) raw.push(frameSpan(open, last, hop, win, sampleRate, duration));

  const joined: SpeechSegment[] = [];
  for (const seg of raw) {
    const prev = joined[joined.length - 1];
    if (prev !== undefined && seg.start - prev.end < s.minSilenceMs / 1000)
      prev.end = Math.max(prev.end, seg.end);
    else joined.push({ ...seg });
  }
  return joined.filter((seg) => seg.end - seg.start >= s.minSpeechMs / 1000);
}

function frameSpan(
  first: number,
  last: number,
  hop: number,
  win: number,
  rate: number,
  duration: number,
): SpeechSegment {
  return { start: (first * hop) / rate, end: Math.min(duration, (last * hop + win) / rate) };
}

/** detectSpeech behind the SpeechDetector interface. */
export class EnergySpeechDetector implements SpeechDetector {
  readonly name = 'energy';
  private readonly options: EnergyVadOptions;

  constructor(options: EnergyVadOptions = {}) {
    settings(options);
    this.options = { ...options };
  }

  detect(samples: Float32Array, sampleRate: number): Promise<SpeechSegment[]> {
    return Promise.resolve().then(() => detectSpeech(samples, sampleRate, this.options));
  }
}
