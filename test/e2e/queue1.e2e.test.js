'use strict';
require('./queue').defineQueueSuite(require('../../scripts/lib/versions.json').n8n1);
