// `npm run docs:tables`: rewrites the options tables of docs/methods from the declared options.
import { writeOptionTables } from './option-tables.js';

writeOptionTables();
