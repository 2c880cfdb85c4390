/** Alerts: telling a person, loudly, that a drill failed or could not run. */
package io.lifeboat.alert;
