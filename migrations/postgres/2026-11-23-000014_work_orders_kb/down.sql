DROP TABLE work_orders;
DROP TABLE kb_article_versions;
DROP TABLE kb_articles;
