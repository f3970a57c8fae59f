// pm_util.vh: small constant functions shared by rtl/ modules (included
// inside a module body).

// ceil(log2(n)) for n >= 1: the bits that count 0 .. n-1.
function integer pm_clog2;
	input integer n;
	integer v;
	begin
		pm_clog2 = 0;
		for (v = n - 1; v > 0; v = v >> 1)
			pm_clog2 = pm_clog2 + 1;
	end
endfunction
