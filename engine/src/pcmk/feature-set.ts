/** The feature set of Pacemaker 2.1.5, whose behaviour the engine follows (`crm_feature_set`). */
export const CRM_FEATURE_SET = '3.16.1';
