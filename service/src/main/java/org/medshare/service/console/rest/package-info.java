/**
 * What the console needs before it has a token: the identity provider and its public OIDC client.
 */
package org.medshare.service.console.rest;
