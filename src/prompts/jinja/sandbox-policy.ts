/**
 * Which sandbox the render in progress follows. Rendering is synchronous, so one module-level
 * setting (saved and restored around each render) reaches attribute lookups made deep inside
 * filters without threading it through every call.
 */

/** "gateway": PromptSandboxedEnvironment (today). "legacy": SandboxedEnvironment (before 2026-02-06). */
export type SandboxMode = "gateway" | "legacy";

let active: SandboxMode = "gateway";

export function isGatewaySandbox(): boolean {
  return active === "gateway";
}

export function withSandbox<T>(mode: SandboxMode, render: () => T): T {
  const previous = active;
  active = mode;
  try {
    return render();
  } finally {
    active = previous;
  }
}
