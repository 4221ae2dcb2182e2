/**
 * Test-only fault injection, read from SOUNDMIND_FAULT: `kill-during-checkpoint:<stage>:<step>` makes the
 * process SIGKILL itself after the files of that checkpoint are written and before its manifest is, the
 * worst moment for a crash. Used by the kill -9 resume test; inert when the variable is unset.
 */
export function checkpointFault(
  fault: string | undefined,
  stage: string,
): ((step: number) => void) | undefined {
  const m = /^kill-during-checkpoint:(\w+):(\d+)$/.exec(fault ?? '');
  if (!m || m[1] !== stage) return undefined;
  const at = Number(m[2]);
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Test-only: `interrupt-after:<stage>:<step>` asks the loop to stop after that step, exactly as a Ctrl-C
 * arriving during it would (used by the resume-equality test).
 */
export function interruptFault(
  fault: string | undefined,
  stage: string,
  request: (signal: NodeJS.Signals) => void,
): ((step: number) => void) | undefined {
  const m = /^interrupt-after:(\w+):(\d+)$/.exec(fault ?? '');
  if (!m || m[1] !== stage) return undefined;
  const at = Number(m[2]);
  return (step) => {
    if (step === at) request('SIGINT');
  };
}
