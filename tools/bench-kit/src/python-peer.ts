import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, where python3-torch and python3-numpy are installed (never a virtualenv's). */
export const PYTHON = '/usr/bin/python3';

const SETUP_HINT = 'run `bash scripts/setup.sh --bench` (it installs the benchmark peers)';
const DEBIAN_PACKAGE: Readonly<Record<string, string>> = { torch: 'python3-torch', numpy: 'python3-numpy' };

/** Base of the errors a Python peer raises; `code` is stable, `script` the peer's path. */
export class PeerError extends Error {
  constructor(
    readonly code: 'PEER_UNAVAILABLE' | 'PEER_FAILED',
    readonly script: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A Python peer that could not run: the interpreter or a module it imports is missing. */
export class PeerUnavailableError extends PeerError {
  constructor(script: string, message: string) {
    super('PEER_UNAVAILABLE', script, message);
  }
}

/** A Python peer that ran but failed, or printed something other than a JSON line last. */
export class PeerFailedError extends PeerError {
  constructor(script: string, message: string) {
    super('PEER_FAILED', script, message);
  }
}

export interface PeerOptions {
  /**
   * Threads for the peer's math libraries: sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS
   * (the script should also call torch.set_num_threads). Left out, the environment is passed unchanged.
   */
  threads?: number;
}

/** The environment a peer runs in: this process's, with the thread variables when `threads` is given. */
export function peerEnv(threads?: number): NodeJS.ProcessEnv {
  if (threads === undefined) return { ...process.env };
  const t = String(threads);
  return { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

/**
 * Runs `script` (a path or file URL) with Debian's python3 and returns the JSON object on the last line of
 * its stdout. Its stderr is passed through. A missing interpreter or module throws PeerUnavailableError
 * saying how to install it; any other failure throws PeerFailedError with the script's last stderr line.
 */
export function runPythonPeer<T = Record<string, number>>(
  script: string | URL,
  args: readonly string[],
  options: PeerOptions = {},
): T {
  const path = scriptPath(script);
  const r = spawnSync(PYTHON, [path, ...args], {
    env: peerEnv(options.threads),
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.error) throw unavailableOrFailed(path, r.error, '');
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) throw unavailableOrFailed(path, undefined, r.stderr, r.status, r.signal);
  return lastJsonLine<T>(r.stdout, path);
}

/**
 * A long-running Python peer that answers one JSON line per request line. The script prints `ready` once it
 * has loaded, then serves requests until its stdin closes.
 */
export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private readonly path: string;

  private constructor(child: ChildProcessWithoutNullStreams, path: string) {
    this.child = child;
    this.path = path;
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(
    script: string | URL,
    args: readonly string[],
    options: PeerOptions = {},
  ): Promise<PythonPeer> {
    const path = scriptPath(script);
    const child = spawn(PYTHON, [path, ...args], { env: peerEnv(options.threads) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.on('error', (error) => resolve({ code: null, signal: null, error }));
        child.on('close', (code, signal) => resolve({ code, signal }));
      },
    );
    const peer = new PythonPeer(child, path);
    const first = await peer.lines.next();
    if (first.done || first.value.trim() !== 'ready') {
      child.kill();
      const end = await closed;
      if (end.error || first.done) throw unavailableOrFailed(path, end.error, stderr, end.code, end.signal);
      throw new PeerFailedError(
        path,
        `${basename(path)} did not start: it printed '${first.value}', not 'ready'`,
      );
    }
    return peer;
  }

  /** Sends one request line and parses the JSON line the peer answers. */
  async request<T = Record<string, number>>(line: string): Promise<T> {
    this.child.stdin.write(`${line}\n`);
    const r = await this.lines.next();
    if (r.done)
      throw new PeerFailedError(this.path, `${basename(this.path)} exited before answering '${line}'`);
    return lastJsonLine<T>(r.value, this.path);
  }

  /** Closes the peer's stdin: it finishes and exits. */
  close(): void {
    this.child.stdin.end();
  }
}

/** The JSON object on the last non-empty line of a peer's output. */
export function lastJsonLine<T>(stdout: string, script: string): T {
  const last = stdout.trim().split('\n').pop()?.trim() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new PeerFailedError(
      script,
      `${basename(script)} printed no JSON on its last line (got '${last.slice(0, 200)}')`,
    );
  }
}

/** The module a Python traceback says is missing ("No module named 'torch'"), if that is the error. */
export function missingModule(stderr: string): string | undefined {
  return /ModuleNotFoundError: No module named '([^'.]+)/.exec(stderr)?.[1];
}

function unavailableOrFailed(
  path: string,
  spawnError: Error | undefined,
  stderr: string,
  status: number | null = null,
  signal: NodeJS.Signals | null = null,
): Error {
  const name = basename(path);
  if ((spawnError as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    return new PeerUnavailableError(path, `${name} needs ${PYTHON}, which is missing: ${SETUP_HINT}`);
  if (spawnError) return new PeerFailedError(path, `${name} could not run: ${spawnError.message}`);
  const module = missingModule(stderr);
  if (module !== undefined) {
    const pkg = DEBIAN_PACKAGE[module];
    return new PeerUnavailableError(
      path,
      `${name} needs the Python module '${module}'${pkg ? ` (Debian's ${pkg})` : ''}, which ${PYTHON} cannot import: ${SETUP_HINT}`,
    );
  }
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  const how = signal ? `was killed by ${signal}` : `exited with status ${status}`;
  return new PeerFailedError(path, `${name} ${how}${lastLine ? `: ${lastLine}` : ''}`);
}

function scriptPath(script: string | URL): string {
  return script instanceof URL ? fileURLToPath(script) : script;
}
