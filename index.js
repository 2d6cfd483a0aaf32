'use strict';
// For people who use the package from code (tests, scripts, custom n8n builds). n8n itself loads the node and
// the credential from the "n8n" section of package.json, not from here.
const { AceDataImages } = require('./dist/nodes/AceDataImages/AceDataImages.node');
const {
	AceDataImagesTrigger,
} = require('./dist/nodes/AceDataImagesTrigger/AceDataImagesTrigger.node');
const {
	AceDataImagesPollTrigger,
} = require('./dist/nodes/AceDataImagesPollTrigger/AceDataImagesPollTrigger.node');
const { AceDataCloudApi } = require('./dist/credentials/AceDataCloudApi.credentials');

module.exports = { AceDataImages, AceDataImagesTrigger, AceDataImagesPollTrigger, AceDataCloudApi };
