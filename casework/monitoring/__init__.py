"""Health and metrics for whoever runs Casework: /healthz for load balancers and orchestrators,
/metrics for Prometheus, and the scheduler's record of each job's last run."""
