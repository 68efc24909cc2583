/**
 * How failures reach the caller: RFC 9457 problem+json, one narrow mapper per exception type (refusals,
 * authentication, malformed bodies and multipart, an overloaded ledger), never an exception's class or message;
 * the checks the REST framework does not make itself ({@code OPTIONS} and {@code Allow} from the resource classes,
 * repeated, empty and missing query parameters, request-target and header limits, declared body size); and the
 * refusals each operation documents in the OpenAPI description ({@link org.medshare.service.problem.OpenApiProblems}).
 */
package org.medshare.service.problem;
