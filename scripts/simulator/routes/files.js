'use strict';
// GET /files/<id>.<ext>: the images the jobs made (no token needed, as AceData's CDN); a `download` fault may answer
// instead.
const { MIME } = require('../images');
const { send } = require('../respond');
const { labelOf, play } = require('../faults');

const FILE_PATH = /^\/files\/([\w-]+)\.\w+$/;

function createFileRoutes({ store, faults }) {
	async function route({ req, res, entry, path }) {
		const file = store.state.files.get(FILE_PATH.exec(path)[1]);
		// Aimed by prompt: the prompt of the job that made the image.
		const fault = faults.take(path, { filePrompt: file?.prompt });
		if (fault) {
			entry.fault = labelOf(fault);
			return play('download', { req, res, entry, fault, file, store });
		}
		if (!file) return send(res, 404, { error: { code: 'no_api', message: 'No such file.' } });
		return send(res, 200, file.bytes, { 'content-type': MIME[file.format] });
	}

	return { route, matches: (path) => FILE_PATH.test(path) };
}

module.exports = { createFileRoutes };
