/** The OpenAPI 3.1 document of the public API, built from the route table and its zod schemas. */
import { z } from 'zod'
import type { ApiRoute } from './public-api-routes.js'
import { COMPONENTS } from './public-api-schemas.js'

const REF = (id: string) => `#/components/schemas/${id}`

type JsonSchema = Record<string, unknown>

/** JSON Schema of a zod schema, with components referenced, without the draft header. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const generated = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' })
  // Schemas with an id become $defs of each schema; the document publishes them once as components.
  const json = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema
  delete json.$schema
  delete json.$defs
  return json
}

function parameters(route: ApiRoute): JsonSchema[] {
  const out: JsonSchema[] = []
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest })
    }
  }
  return out
}

export function openApiDocument(routes: readonly ApiRoute[], serverUrl: string): JsonSchema {
  const registry = z.toJSONSchema(z.globalRegistry, { uri: REF, unrepresentable: 'any' }) as { schemas: Record<string, JsonSchema> }
  const schemas: Record<string, JsonSchema> = {}
  for (const id of COMPONENTS) {
    const { $schema: _s, $id: _i, ...schema } = registry.schemas[id] ?? {}
    schemas[id] = schema
  }
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const errors = Object.fromEntries(
      [
        ['400', 'Invalid parameters'],
        ['401', 'Missing, unknown or revoked API key'],
        ...(route.params ? [['404', 'Not found in this tenant']] : []),
        ['429', 'Too many requests (see Retry-After)'],
      ].map(([code, description]) => [code, { description, content: { 'application/json': { schema: { $ref: REF('Error') } } } }]),
    )
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        operationId: route.operationId,
        summary: route.summary,
        description: route.description,
        tags: [route.tag],
        parameters: parameters(route),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } } : {}),
        responses: { [String(route.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }, ...errors },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley public API',
      version: '1.0.0',
      description:
        "Read your contact center's channels, transcripts, usage and agents from your own systems. Authenticate with an API key from the admin console (Integrations): `Authorization: Bearer pk_...`. Every answer is scoped to the key's tenant. Webhooks (signed with HMAC-SHA256 over `<timestamp>.<body>`, header `Parley-Signature: t=<unix>,v1=<hex>`) push channel.started, channel.ended, call.ended and offer.accepted.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    tags: [...new Set(['Channels', 'Usage', 'Agents', ...routes.map((route) => route.tag)])].map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'pk_...', description: 'An API key of the tenant' } } },
  }
}
