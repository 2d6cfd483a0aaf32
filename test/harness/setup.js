'use strict';
// n8n-core reads its instance settings from the user folder: give every test run a fresh temporary one.
const fs = require('fs');
const os = require('os');
const path = require('path');

process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-engine-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_ENCRYPTION_KEY ??= 'engine-test-key';
// n8n-core logs node errors to the console; the tests assert on them instead.
process.env.N8N_LOG_LEVEL = 'silent';
