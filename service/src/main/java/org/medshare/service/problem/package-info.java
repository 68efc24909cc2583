/**
 * How failures reach the caller: RFC 9457 problem+json, one narrow mapper per exception type (refusals,
 * authentication, malformed bodies, an overloaded ledger), never an exception's class or message.
 */
package org.medshare.service.problem;
