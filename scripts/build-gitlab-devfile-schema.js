#!/usr/bin/env node
'use strict';
/**
 * Writes schemas/gitlab-devfile.schema.json, the editor schema for GitLab devfiles, from the compiled
 * generator (dist/lib/devfile/editor-schema.js): the devfile schema of @devfile/api narrowed by GitLab's
 * rules. Run it with `npm run schema:devfile` after changing the rules or updating @devfile/api;
 * test/devfile/editor-schema.test.ts fails while the committed file differs from what this writes.
 */
const fs = require('fs');
const path = require('path');

const { gitlabDevfileSchemaText } = require('../dist/lib/devfile/editor-schema.js');
const out = path.join(__dirname, '..', 'schemas', 'gitlab-devfile.schema.json');
fs.writeFileSync(out, gitlabDevfileSchemaText());
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
