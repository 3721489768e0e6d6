// Grad mode: whether ops record the graph. noGrad/enableGrad scope it like torch.no_grad().

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(v: boolean): void {
  enabled = v;
}

/** Runs fn with graph recording off (torch.no_grad). @example noGrad(() => w.sub_(w.grad!.mul(lr))) */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn with graph recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
