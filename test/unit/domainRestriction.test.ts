// n8n 2.x credentials carry Allowed HTTP Request Domains. n8n 2.41 applies them to its HTTP Request and declarative
// nodes only; should an n8n apply them to this node's requests, its refusal (n8n-workflow's own error, made here by
// n8n-workflow's own check) becomes a failure that names the host to add, sends nothing again and bills nothing.
import {
	assertCredentialAllowsUrl,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type INode,
} from 'n8n-workflow';

import { Failure } from '../../nodes/AceDataImages/failure/failure';
import { describeFailure } from '../../nodes/AceDataImages/failure/report';
import { AceDataClient } from '../../nodes/AceDataImages/transport/client';
import { classifyTransportError } from '../../nodes/AceDataImages/transport/errors';

const node = { name: 'AceData Cloud Images' } as INode;
const BASE_URL = 'https://proxy.example.com';

function refusal(credentialData: ICredentialDataDecryptedObject): unknown {
	try {
		assertCredentialAllowsUrl({ node, credentialData, url: `${BASE_URL}/openai/tasks` });
	} catch (error) {
		return error;
	}
	throw new Error('n8n allowed it');
}

it.each([
	[
		'Specific Domains without the host',
		{ allowedHttpRequestDomains: 'domains', allowedDomains: 'api.acedata.cloud' },
	],
	['None', { allowedHttpRequestDomains: 'none' }],
	['Specific Domains, none listed', { allowedHttpRequestDomains: 'domains', allowedDomains: '' }],
])("n8n's refusal for %s is told apart from a network failure", (_, credentialData) => {
	expect(classifyTransportError(refusal(credentialData))).toBe('blocked');
	expect(classifyTransportError(new Error('socket hang up'))).toBe('reset');
});

it('the request is not tried again, and the failure names the host to add and says nothing was billed', async () => {
	const blocked = refusal({
		allowedHttpRequestDomains: 'domains',
		allowedDomains: 'api.acedata.cloud',
	});
	const httpRequestWithAuthentication = jest.fn(async () => {
		throw blocked;
	});
	const ctx = {
		getCredentials: async () => ({
			apiToken: 'a-token',
			baseUrl: BASE_URL,
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'api.acedata.cloud',
		}),
		getNode: () => node,
		helpers: { httpRequestWithAuthentication },
	} as unknown as IExecuteFunctions;
	const client = await AceDataClient.create(ctx, { itemIndex: 0 });
	const failure = await client
		.submitImages('generations', { model: 'gpt-image-1', prompt: 'A heron' })
		.catch((error: unknown) => error);
	expect(httpRequestWithAuthentication).toHaveBeenCalledTimes(1);
	expect(failure).toBeInstanceOf(Failure);
	const data = (failure as Failure).data;
	expect(data).toMatchObject({ kind: 'parameter', code: 'domain_not_allowed', billing: 'none' });
	expect(data.text).toBe(
		"n8n did not send the request: the AceData Cloud API credential's Allowed HTTP Request Domains do not include proxy.example.com",
	);
	expect(data.hint).toContain("Add proxy.example.com to the credential's Allowed Domains");
	expect(describeFailure(data, { itemIndex: 0, billing: 'none' }).message).toContain(
		'do not include proxy.example.com',
	);
});
