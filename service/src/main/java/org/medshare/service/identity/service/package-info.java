/**
 * Keeps the register of parties that have contacted the service.
 */
package org.medshare.service.identity.service;
