'use strict';
// A loopback port nobody listens on: a connection to it is refused at once.
const http = require('http');

async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

module.exports = { closedPort };
