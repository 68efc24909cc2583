/**
 * Templates, data-use rules, queries and the approval workflow, each in its own service: an approved query's
 * epsilon is charged, it runs in the enclave over the records its purpose may open (consent and data-use rules
 * enforced before any decryption), its signed result is stored and its price settled.
 */
package org.medshare.service.queries.service;
