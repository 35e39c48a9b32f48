#!/usr/bin/env node
// The umbrella carries the `tfxai` command, so `npm install tfxai` gives the library
// and the command under one name. The command itself lives in @tfxai/cli.
import '@tfxai/cli/bin';
