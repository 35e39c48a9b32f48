// Moved to @tfxai/core (the explained-output adapter needs it); re-exported for existing imports.
export { withLayerCall, type LayerCall } from '@tfxai/core';
