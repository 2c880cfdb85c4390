/**
 * Schedules: cron expressions and {@code lifeboat serve}, the Quartz scheduler with its JDBC job
 * store in the catalog's database. The only package that imports Quartz.
 */
package io.lifeboat.schedule;
