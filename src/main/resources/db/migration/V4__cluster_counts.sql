-- DescribeClusters and DeleteCluster count a cluster's tasks by lastStatus; tasks_by_cluster (V2) is on
-- desired_status, so without this index the counts read every task the cluster ever had.

CREATE INDEX tasks_by_cluster_status ON tasks (cluster, last_status);
