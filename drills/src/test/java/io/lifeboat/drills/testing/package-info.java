/**
 * Test helpers shared with the other modules through the drills test-jar: private PostgreSQL
 * servers for tests ({@link io.lifeboat.drills.testing.TestClusters}) and looks at processes
 * through /proc ({@link io.lifeboat.drills.testing.LinuxProcesses}).
 */
package io.lifeboat.drills.testing;
