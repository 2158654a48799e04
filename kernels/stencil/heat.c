/* placeholder: implemented next */
typedef int pel_placeholder_heat;
