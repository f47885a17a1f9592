-- Materialises an extract's normalized rows. This is the statement that reads the source file.
CREATE OR REPLACE TEMP TABLE hashed AS SELECT * FROM normalized;
