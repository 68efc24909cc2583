/**
 * Escrow deposits and contract balances.
 */
package org.medshare.service.payments.rest;
