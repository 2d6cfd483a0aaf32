'use strict';
// Real image bytes for the simulator: PNGs drawn here (different for every seed), JPEG and WebP from
// small committed samples (no encoder for them ships with Node).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buffer) {
	let crc = 0xffffffff;
	for (let index = 0; index < buffer.length; index++)
		crc = CRC_TABLE[(crc ^ buffer[index]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** An RGBA PNG with a gradient whose colours come from the seed: a different image for every seed. */
function makePng(seed, width = 32, height = 32) {
	const hash = crypto.createHash('sha256').update(String(seed)).digest();
	const rows = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 4);
		for (let x = 0; x < width; x++) {
			const o = 1 + x * 4;
			row[o] = (hash[0] + x * 7) & 0xff;
			row[o + 1] = (hash[1] + y * 7) & 0xff;
			row[o + 2] = (hash[2] + (x ^ y) * 3) & 0xff;
			row[o + 3] = 0xff;
		}
		rows.push(row);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		// Stored, not compressed: drawing stays cheap (the benchmark's simulator draws 20 images at once).
		chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 0 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

const ASSETS = path.join(__dirname, 'assets');
const samples = {};
function sample(extension) {
	samples[extension] ??= fs
		.readdirSync(ASSETS)
		.filter((name) => name.endsWith(`.${extension}`))
		.sort()
		.map((name) => fs.readFileSync(path.join(ASSETS, name)));
	return samples[extension];
}

/**
 * The same PNG grown to at least `totalBytes` by a private ancillary chunk (`paDd`) of random bytes before IEND:
 * still a valid image (decoders skip such chunks), as large as a real 4K render, and incompressible.
 */
function padPng(png, totalBytes) {
	const missing = totalBytes - png.length - 12;
	if (missing <= 0) return png;
	const iend = png.length - 12;
	return Buffer.concat([
		png.subarray(0, iend),
		chunk('paDd', crypto.randomBytes(missing)),
		png.subarray(iend),
	]);
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
const EXTENSION = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** Image bytes in the asked format ('png' | 'jpeg' | 'webp'), varying with the seed. */
function makeImage(format, seed) {
	if (format === 'png') return makePng(seed);
	const list = sample(EXTENSION[format]);
	const hash = crypto.createHash('sha256').update(String(seed)).digest();
	return list[hash[0] % list.length];
}

/** Width and height of a PNG (its IHDR), or undefined: enough for the simulator to follow an input image's shape. */
function pngSize(bytes) {
	if (
		!Buffer.isBuffer(bytes) ||
		bytes.length < 24 ||
		bytes.readUInt32BE(0) !== 0x89504e47 ||
		bytes.toString('ascii', 12, 16) !== 'IHDR'
	)
		return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function sha256(buffer) {
	return crypto.createHash('sha256').update(buffer).digest('hex');
}

module.exports = { makePng, padPng, makeImage, pngSize, sha256, MIME, EXTENSION };
