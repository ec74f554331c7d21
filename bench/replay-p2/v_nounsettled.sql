DROP INDEX cns.ix_fee_memoir_lines_unsettled;
