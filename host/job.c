/* job: see job.h. */
#include "job.h"

#include <stdlib.h>

void job_free(struct job *j)
{
	if (!j)
		return;
	work_template_release(&j->tpl);
	free(j);
}
