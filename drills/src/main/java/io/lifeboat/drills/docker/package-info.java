/**
 * The engine-neutral parts of the {@code docker} sandbox: a container with network mode
 * {@code none}, labelled as its crash marker and removed with its volumes on close
 * ({@link io.lifeboat.drills.docker.SandboxContainer}, which also reaps the containers of dead
 * JVMs), and commands run in it with a streamed standard input through the engine's exec API
 * ({@link io.lifeboat.drills.docker.ContainerExec}). The PostgreSQL and MariaDB sandboxes say
 * which image and which tools.
 */
package io.lifeboat.drills.docker;
