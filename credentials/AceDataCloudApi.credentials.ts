import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AceDataCloudApi implements ICredentialType {
	name = 'aceDataCloudApi';

	displayName = 'AceData Cloud API';

	documentationUrl = 'https://platform.acedata.cloud';

	icon = {
		light: 'file:../nodes/AceDataImages/acedata.svg',
		dark: 'file:../nodes/AceDataImages/acedata.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your AceData Cloud API token, from the AceData Cloud platform (Console → Credentials)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.acedata.cloud',
			description: 'Change only to route requests through a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// Free: retrieving an empty batch of tasks creates nothing and bills nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/openai/tasks',
			method: 'POST',
			body: { action: 'retrieve_batch', ids: [] },
		},
		// AceData's own words for the usual failures, instead of a bare "Unauthorized".
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'The specified token is invalid or wrong (AceData: invalid_token). Paste the API Token again from the AceData Cloud console.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'AceData refused the token (forbidden or balance used up): check the application in the AceData Cloud console.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No AceData API at this Base URL: use https://api.acedata.cloud (or your proxy that forwards to it).',
				},
			},
		],
	};
}
