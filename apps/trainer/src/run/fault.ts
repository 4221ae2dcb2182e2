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
