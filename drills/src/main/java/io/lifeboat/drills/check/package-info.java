/** Checks run against a restored sandbox, their expectations and results. */
package io.lifeboat.drills.check;
