DROP TABLE stock_count_anomalies;
DROP TABLE stock_counts;
DROP TABLE stock_minimums;
