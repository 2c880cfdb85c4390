/**
 * The status report: for every drill and source, the last outcome and when, the backup's age (RPO),
 * the restore time (RTO), the next scheduled run, and OVERDUE when a job has been silent longer
 * than its schedule allows. {@link io.lifeboat.report.StatusReports} builds it from the catalog;
 * one renderer per format ({@link io.lifeboat.report.ReportFormat}) prints it.
 */
package io.lifeboat.report;
