#!/usr/bin/env node
// Committed shim: npm links a package's bins at install time, before `npm run build`
// has written dist/, and skips a bin whose file does not exist yet. This file exists
// from the start, so `npm ci && npm run build && npx tfxai` works in a fresh clone.
import '../dist/src/bin.js';
