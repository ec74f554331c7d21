ALTER TABLE cns.fee_memoir_lines SET (fillfactor = 100); ALTER TABLE cns.fee_memoirs SET (fillfactor = 100);
