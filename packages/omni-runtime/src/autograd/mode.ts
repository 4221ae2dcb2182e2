let enabled = true;

/** Whether ops currently record the tape. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording the tape (sampling, evaluation, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with the tape recording, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
