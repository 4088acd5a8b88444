#version 130
#include "common.glsl"
uniform vec4 p3d_ColorScale;
in float v_alpha;
in vec2 v_uv;
in vec3 v_world;
in vec3 v_cam;
out vec4 o_color;

void main() {
    float r = length(v_uv);
    float a = (1.0 - smoothstep(0.45, 1.0, r)) * v_alpha * p3d_ColorScale.a;
    if (a < 0.01) discard;
    vec3 light = u_ambient * 1.1 + u_sun_color * 0.5 + lamp_light(v_world, vec3(0.0, 0.0, 1.0), 1.0);
    vec3 color = vec3(0.97, 0.98, 1.0) * min(light, vec3(1.0));
    o_color = vec4(apply_fog(color, v_cam, v_world), a * 0.9);
}
