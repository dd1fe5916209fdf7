// The AWS resource-tagging operations for Wickr network ARNs. They are not in the Wickr model, so
// they are described here in the same compact form, following the AWS tagging convention:
// POST /tags/{resourceArn} {"tags":{…}}, DELETE /tags/{resourceArn}?tagKeys=…, GET /tags/{resourceArn}.
// model.ts adds the shapes to the model; the routes follow from the shapes (routes.ts).
import type { ModelOperation, ModelShape } from './model-types.js';

const errors = ['BadRequestError', 'ForbiddenError', 'InternalServerError', 'RateLimitError', 'ResourceNotFoundError', 'UnauthorizedError', 'ValidationError'];

export const taggingOperations = {
  TagResource: { method: 'POST', uri: '/tags/{resourceArn}', code: 200, input: 'TagResourceRequest', output: 'TagResourceResponse', errors, readonly: false, idempotent: true },
  UntagResource: { method: 'DELETE', uri: '/tags/{resourceArn}', code: 200, input: 'UntagResourceRequest', output: 'UntagResourceResponse', errors, readonly: false, idempotent: true },
  ListTagsForResource: { method: 'GET', uri: '/tags/{resourceArn}', code: 200, input: 'ListTagsForResourceRequest', output: 'ListTagsForResourceResponse', errors, readonly: true, idempotent: false },
} as const satisfies Record<string, ModelOperation>;

export const taggingShapes: Record<string, ModelShape> = {
  ResourceArn: { type: 'string', length: { min: 1, max: 1011 }, pattern: '^arn:[\\w+=/,.@-]+:wickr:[\\w+=/,.@-]*:[0-9]{12}:network/[0-9]{8}$' },
  TagKey: { type: 'string', length: { min: 1, max: 128 }, pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$' },
  TagValue: { type: 'string', length: { min: 0, max: 256 }, pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$' },
  TagMap: { type: 'map', key: 'TagKey', value: 'TagValue' },
  TagKeyList: { type: 'list', member: 'TagKey', length: { min: 1, max: 50 } },
  TagResourceRequest: {
    type: 'structure',
    members: { resourceArn: { target: 'ResourceArn', required: true, location: 'label' }, tags: { target: 'TagMap', required: true } },
  },
  TagResourceResponse: { type: 'structure', members: {} },
  UntagResourceRequest: {
    type: 'structure',
    members: {
      resourceArn: { target: 'ResourceArn', required: true, location: 'label' },
      tagKeys: { target: 'TagKeyList', required: true, location: 'query', locationName: 'tagKeys' },
    },
  },
  UntagResourceResponse: { type: 'structure', members: {} },
  ListTagsForResourceRequest: { type: 'structure', members: { resourceArn: { target: 'ResourceArn', required: true, location: 'label' } } },
  ListTagsForResourceResponse: { type: 'structure', members: { tags: { target: 'TagMap', required: true } } },
};

export interface TaggingTypes {
  TagResource: { input: { resourceArn: string; tags: Record<string, string> }; output: Record<string, never> };
  UntagResource: { input: { resourceArn: string; tagKeys: string[] }; output: Record<string, never> };
  ListTagsForResource: { input: { resourceArn: string }; output: { tags: Record<string, string> } };
}
