// What lit.vert.glsl hands every fragment shader of lit surfaces (lit, model, text):
// light worked out per vertex (front and back faces), the fog's optical depth, and
// the reflection clip.
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
uniform vec4 u_clip;      // x: 1 for a reflection, y: the water level it is cut at
in vec3 v_world;
in vec3 v_normal;
in vec4 v_color;
in vec2 v_uv;
in vec3 v_cam;
in vec3 v_light;
in vec3 v_light_back;
in float v_fog;
