import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  lastJsonLine,
  missingModule,
  PeerFailedError,
  PeerUnavailableError,
  PYTHON,
  PythonPeer,
  peerEnv,
  runPythonPeer,
} from '../src/python-peer.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const hasPython = existsSync(PYTHON);

describe('peer output and errors (pure)', () => {
  it('lastJsonLine reads the last non-empty line', () => {
    expect(lastJsonLine('loading\n{"ms": 3}\n\n', 'p.py')).toEqual({ ms: 3 });
  });

  it('lastJsonLine names the script when the last line is not JSON', () => {
    expect(() => lastJsonLine('{"ms": 3}\ndone\n', '/x/p.py')).toThrow(PeerFailedError);
    expect(() => lastJsonLine('', '/x/p.py')).toThrow(
      expect.objectContaining({ code: 'PEER_FAILED', script: '/x/p.py' }),
    );
    expect(() => lastJsonLine('{"ms": 3}\ndone\n', '/x/p.py')).toThrow(/p\.py printed no JSON .*'done'/);
  });

  it('missingModule finds the top-level module of a ModuleNotFoundError', () => {
    expect(missingModule("Traceback...\nModuleNotFoundError: No module named 'torch'\n")).toBe('torch');
    expect(missingModule("ModuleNotFoundError: No module named 'numpy.linalg'")).toBe('numpy');
    expect(missingModule('ValueError: bad')).toBeUndefined();
  });

  it('peerEnv sets the three thread variables only when asked', () => {
    expect(peerEnv(2)).toMatchObject({
      OMP_NUM_THREADS: '2',
      OPENBLAS_NUM_THREADS: '2',
      MKL_NUM_THREADS: '2',
    });
    expect(peerEnv().OMP_NUM_THREADS).toBe(process.env.OMP_NUM_THREADS);
  });
});

describe.skipIf(!hasPython)('running peers with /usr/bin/python3', () => {
  it('returns the JSON of the last line, with the thread variables set', () => {
    const out = runPythonPeer<{ args: string[]; threads: Record<string, string> }>(
      fixture('echo_peer.py'),
      ['sgemm', '1'],
      { threads: 1 },
    );
    expect(out.args).toEqual(['sgemm', '1']);
    expect(out.threads).toEqual({ OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  });

  it('a missing module says to run scripts/setup.sh --bench', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => runPythonPeer(fixture('missing_module_peer.py'), [])).toThrow(PeerUnavailableError);
      expect(() => runPythonPeer(fixture('missing_module_peer.py'), [])).toThrow(
        expect.objectContaining({ code: 'PEER_UNAVAILABLE', name: 'PeerUnavailableError' }),
      );
      expect(() => runPythonPeer(fixture('missing_module_peer.py'), [])).toThrow(
        /missing_module_peer\.py needs the Python module 'soundmind_module_that_is_not_installed'.*bash scripts\/setup\.sh --bench/,
      );
    } finally {
      stderr.mockRestore();
    }
  });

  it("another failure names the script, its exit status and its error's last line", () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => runPythonPeer(fixture('failing_peer.py'), ['x'])).toThrow(
        /failing_peer\.py exited with status 1: bad argument: x/,
      );
    } finally {
      stderr.mockRestore();
    }
  });

  it('a long-running peer answers request by request', async () => {
    const peer = await PythonPeer.start(fixture('serve_peer.py'), [], { threads: 1 });
    try {
      expect(await peer.request('run 3')).toEqual({ echo: 'run 3', n: 5 });
      expect(await peer.request('x')).toEqual({ echo: 'x', n: 1 });
    } finally {
      peer.close();
    }
  });

  it('a long-running peer with a missing module fails to start with the setup hint', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(PythonPeer.start(fixture('missing_module_peer.py'), [])).rejects.toThrow(
        /bash scripts\/setup\.sh --bench/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
