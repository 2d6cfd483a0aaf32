'use strict';
require('./suite').defineSuite(require('../../scripts/lib/versions.json').n8n2);
