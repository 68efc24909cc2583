/**
 * The consortium's attribute epoch: which epoch is current, which are retired, and the regulator's raises.
 */
package org.medshare.service.epochs.service;
