// Moved to @tfxai/core (shared with the gradient maps); re-exported for existing imports.
export { EXPLAINED_OUTPUTS, explainedOutputAdapter, type ExplainedOutput } from '@tfxai/core';
